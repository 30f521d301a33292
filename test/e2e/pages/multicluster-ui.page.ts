/**
 * Every multi-cluster page object in one place, for specs that walk the
 * whole workflow: `const mc = new MulticlusterUi(page)`, then mc.nav,
 * mc.promote, mc.screen, mc.tokens, mc.join, mc.joinMany, mc.permissions,
 * mc.audit.
 */
import type { Page } from 'playwright-core';
import { AuditPage } from './audit.page.js';
import { JoinManyPage, JoinPage } from './join.page.js';
import { MulticlusterPage } from './multicluster.page.js';
import { NavPage } from './nav.page.js';
import { PermissionsPage } from './permissions.page.js';
import { PromotePage } from './promote.page.js';
import { TokensPage } from './tokens.page.js';

export class MulticlusterUi {
  readonly nav: NavPage;
  readonly promote: PromotePage;
  readonly screen: MulticlusterPage;
  readonly tokens: TokensPage;
  readonly join: JoinPage;
  readonly joinMany: JoinManyPage;
  readonly permissions: PermissionsPage;
  readonly audit: AuditPage;

  constructor(readonly page: Page) {
    this.nav = new NavPage(page);
    this.promote = new PromotePage(page);
    this.screen = new MulticlusterPage(page);
    this.tokens = new TokensPage(page);
    this.join = new JoinPage(page);
    this.joinMany = new JoinManyPage(page);
    this.permissions = new PermissionsPage(page);
    this.audit = new AuditPage(page);
  }

  /** What the renderer's store holds, as JSON (the e2e tests check no token is in it once masked). */
  async storeJson(): Promise<string> {
    return this.page.evaluate(() => {
      const store = (window as unknown as { __flotillaStore?: { getState(): unknown } }).__flotillaStore;
      if (!store) throw new Error('window.__flotillaStore is not exposed: is the page served by the preview?');
      return JSON.stringify(store.getState());
    });
  }
}
